// The ORM as the server, the migrate command and the tests use it: every subscriber registered here, once.
import { MikroORM } from '@mikro-orm/postgresql';
import { AuditSubscriber } from '../audit/AuditSubscriber';
import { ormOptions, type OrmOptionsInput } from '../database/ormOptions';
import { ModelChangeGuard } from '../models/ModelChangeGuard';
import { RequestDeadlineSubscriber } from '../request/RequestDeadline';

export function ormSubscribers() {
  return [
    // Checks every model change against the acting caller's rules before anything is written.
    new ModelChangeGuard(),
    // Writes the audit row of every change in the same flush, hence the same transaction.
    new AuditSubscriber(),
    // A transaction still open when its request times out rolls back instead of committing.
    new RequestDeadlineSubscriber(),
  ];
}

export function createOrm(options: OrmOptionsInput): Promise<MikroORM> {
  return MikroORM.init(ormOptions({ ...options, subscribers: ormSubscribers() }));
}
