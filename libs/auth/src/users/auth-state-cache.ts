import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Cache, type CacheNamespace } from '@app/cache';
import { AppConfig } from '@app/config';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { UserAuthState } from './users.repository.js';

/**
 * The signed-in user's state (id, names, roles, disabled flag, auth epoch) that every signed-in
 * request resolves, cached for CACHE_USER_TTL_SECONDS. The repository writes that change it
 * (UsersRepository, RolesRepository, the removal of a user) invalidate it once their change has
 * committed; the cache's generations carry that to every process sharing the backend at once,
 * and keep a reader that started before the write from storing the old state after it
 * (libs/cache). A user who does not exist is not cached: each such request asks PostgreSQL.
 */
@Injectable()
export class AuthStateCache {
  private readonly states: CacheNamespace<UserAuthState | undefined>;
  /** Users written inside a transaction still open, invalidated when it commits. */
  private readonly pending = new WeakMap<QueryRunner, Set<string>>();

  constructor(cache: Cache, config: AppConfig, @InjectDataSource() db: DataSource) {
    this.states = cache.namespace<UserAuthState | undefined>('auth-user', config.cache.userTtlMs);
    // Invalidating before the commit would let a request read the old row in between and cache
    // it under the new generation; TypeORM awaits these hooks before `transaction()` returns.
    db.subscribers.push({
      afterTransactionCommit: async ({ queryRunner }) => {
        const users = this.pending.get(queryRunner);
        if (users && !queryRunner.isTransactionActive) {
          this.pending.delete(queryRunner);
          await Promise.all([...users].map((id) => this.states.delete(id)));
        }
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) {
          this.pending.delete(queryRunner);
        }
      },
    });
  }

  async find(userId: string, load: (userId: string) => Promise<UserAuthState | null>): Promise<UserAuthState | null> {
    // undefined is never stored: an unknown user is asked of PostgreSQL each time.
    return (await this.states.getOrCompute(userId, async () => (await load(userId)) ?? undefined)) ?? null;
  }

  /**
   * After a write to the user's row or roles (or its deletion). Given the write's executor: a
   * transaction's manager defers the invalidation to its commit; otherwise it happens now.
   */
  async invalidate(userId: string, executor?: DataSource | EntityManager): Promise<void> {
    const runner = executor && 'queryRunner' in executor ? executor.queryRunner : undefined;
    if (runner?.isTransactionActive) {
      const users = this.pending.get(runner) ?? new Set<string>();
      this.pending.set(runner, users.add(userId));
      return;
    }
    await this.states.delete(userId);
  }
}
