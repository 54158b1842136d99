import { AppConfig } from '@app/config';
import { JobQueue, workerConnection } from '@app/queue';
import { Worker } from 'bullmq';
import type { FormClient } from './support/form-client.js';
import { useAdminPanel } from './support/admin-suite.js';

/**
 * The admin panel's failed-jobs page over HTTP: listing a failed job with its reason, retrying
 * it, and who may. A stand-in worker fails the job (this file runs no real worker).
 */
describe('admin panel', () => {
  const t = useAdminPanel('admin_jobs');
  const { signIn } = t;

  describe('failed jobs', () => {
    let admin: FormClient;
    let failedId: string;

    beforeAll(async () => {
      admin = await signIn('admin@example.org');
      // A job that uses up its one attempt, failed by a stand-in worker (this test runs no real worker).
      const config = t.app.get(AppConfig);
      const queue = t.app.get(JobQueue).queue('system');
      const failing = new Worker(
        'system',
        () => {
          throw new Error('stand-in worker: <b>refused</b>');
        },
        { connection: workerConnection(config, null), prefix: config.queue.prefix },
      );
      const failed = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
      failedId = (await queue.add('system.ping', { sentAt: Date.now() }, { attempts: 1 })).id!;
      await failed;
      await failing.close();
    });

    it('lists failed jobs with their reason, as text', async () => {
      const page = await admin.get('/admin/jobs');
      expect(page.status).toBe(200);
      expect(page.text.match(/data-testid="failed-job"/g)).toHaveLength(1);
      expect(page.text).toContain(failedId);
      expect(page.text).toContain('stand-in worker: &lt;b&gt;refused&lt;/b&gt;');
    });

    it('retries one: it is queued again with fresh attempts; a second retry finds nothing to do', async () => {
      const queue = t.app.get(JobQueue).queue('system');
      await admin.get('/admin/jobs');
      const res = await admin.post(`/admin/jobs/${failedId}/retry`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/jobs');
      expect(await (await queue.getJob(failedId))!.getState()).toBe('waiting');
      const page = await admin.get('/admin/jobs');
      expect(page.text).toContain(`Job ${failedId} is queued again`);
      expect(page.text).toContain('No failed job.');
      expect((await admin.post(`/admin/jobs/${failedId}/retry`)).status).toBe(303);
      expect((await admin.get('/admin/jobs')).text).toContain(`Job ${failedId} is no longer failed.`);
      await queue.remove(failedId);
    });

    it('answers 404 to a job id that cannot be one, and 403 to a user without the admin role', async () => {
      await admin.get('/admin/jobs');
      expect((await admin.post(`/admin/jobs/${encodeURIComponent('a b<c>')}/retry`)).status).toBe(404);
      const bob = await signIn('bob@example.org');
      expect((await bob.get('/admin/jobs')).status).toBe(403);
    });
  });
});
