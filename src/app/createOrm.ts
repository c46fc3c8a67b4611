// The ORM as the server, the migrate command and the tests use it: every subscriber registered here, once.
import { MikroORM } from '@mikro-orm/postgresql';
import { AuditSubscriber } from '../audit/AuditSubscriber';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { ormOptions, type OrmOptionsInput } from '../database/ormOptions';
import { ModelChangeGuard } from '../models/ModelChangeGuard';
import { RequestDeadlineSubscriber } from '../request/RequestDeadline';

export interface OrmServices {
  /** The app's at-rest cipher: the model change guard compares litellm_params plaintexts with it (the migrate command has none). */
  cipher?: AtRestCipher;
}

export function ormSubscribers({ cipher }: OrmServices = {}) {
  return [
    // Checks every model change against the acting caller's rules before anything is written.
    new ModelChangeGuard(cipher),
    // Writes the audit row of every change in the same flush, hence the same transaction.
    new AuditSubscriber(),
    // A transaction still open when its request times out rolls back instead of committing.
    new RequestDeadlineSubscriber(),
  ];
}

export function createOrm(options: OrmOptionsInput, services: OrmServices = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions({ ...options, subscribers: ormSubscribers(services) }));
}
