import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SystemStatus {
  /** The database answered the query (the page fails when it does not); its version is not shown. */
  databaseAnswers: boolean;
  databaseTime: Date;
  migrations: Array<{ name: string; appliedAt: Date }>;
}

/** Reads what the status page shows straight from PostgreSQL, so the page fails when it does. */
@Injectable()
export class SystemStatusService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(): Promise<SystemStatus> {
    // No server_version: a public page must not tell attackers which release (and its CVEs) runs.
    const [row] = (await this.dataSource.query(`SELECT now() AS now`)) as Array<{ now: Date }>;
    const migrations = (await this.dataSource.query(
      `SELECT name, to_timestamp(timestamp / 1000.0) AS applied_at FROM migrations ORDER BY id`,
    )) as Array<{ name: string; applied_at: Date }>;
    return {
      databaseAnswers: true,
      databaseTime: row.now,
      migrations: migrations.map((m) => ({ name: m.name, appliedAt: m.applied_at })),
    };
  }
}
