import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import { ActivityReadModel } from '../application/activity-read-model';
import type { ActivityChange, ActivityItem, DailyActivity } from '../application/activity-view';

@Injectable()
export class PostgresActivityReadModel extends ActivityReadModel {
  constructor(private readonly database: Database) {
    super();
  }

  async daily(from: string, to: string): Promise<DailyActivity[]> {
    const { rows } = await this.database.query<{ day: string; created: number; completed: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, created, completed
       FROM activity_daily_counts WHERE day BETWEEN $1::date AND $2::date ORDER BY day`,
      [from, to],
    );
    return rows.map((row) => ({ day: row.day, created: row.created, completed: row.completed }));
  }

  async feed(limit: number): Promise<ActivityItem[]> {
    const { rows } = await this.database.query<{
      global_position: string;
      todo_id: string | null;
      list_id: string | null;
      change: ActivityChange;
      title: string | null;
      occurred_at: Date;
    }>(
      `SELECT global_position, todo_id, list_id, change, title, occurred_at
       FROM activity_feed ORDER BY global_position DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      position: Number(row.global_position),
      ...(row.todo_id === null ? {} : { todoId: row.todo_id }),
      ...(row.list_id === null ? {} : { listId: row.list_id }),
      change: row.change,
      ...(row.title === null ? {} : { title: row.title }),
      at: row.occurred_at.toISOString(),
    }));
  }
}
