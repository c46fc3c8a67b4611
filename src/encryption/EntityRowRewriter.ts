// Writes rewritten rows of a table this API maps as an entity (models, stored credentials) through the unit of work,
// so each changed row gets its audit row and passes the model change guard, as any other update does.
import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { storedJsonObject, UNDECODABLE, type JsonObject } from '../database/types/storedJson';
import { UnattributedChangeError } from '../errors/UnattributedChangeError';
import { currentActor } from '../request/RequestScope';
import type { RewrittenRow, RowRewriter, SaltKeyLocation } from './SaltKeyLocation';

/** What every rewritten entity records, like any other update: who changed it and when. */
interface Touched {
  updatedAt: Date;
  updatedBy: string;
}

export class EntityRowRewriter<Entity extends Touched> implements RowRewriter {
  readonly writesAuditRows = true;

  constructor(
    private readonly entity: EntityClass<Entity>,
    private readonly primaryKey: keyof Entity & string,
    /** Puts the rewritten column's document into the entity. */
    private readonly setDocument: (entity: Entity, document: JsonObject) => void,
  ) {}

  async rewrite(em: EntityManager, location: SaltKeyLocation, rows: readonly RewrittenRow[]): Promise<void> {
    const actor = currentActor();
    if (!actor) throw UnattributedChangeError.noActor([location.table]);
    const documents = new Map(rows.map((row) => [row.id, row.document]));
    const entities = await em.find(this.entity, { [this.primaryKey]: { $in: [...documents.keys()] } } as FilterQuery<Entity>);
    for (const entity of entities) {
      this.setDocument(entity, objectOf(documents.get(String(entity[this.primaryKey]))));
      entity.updatedBy = actor.userId;
      entity.updatedAt = new Date();
    }
    await em.flush();
    // Pages of thousands of rows: the identity map holds only the page being written.
    em.clear();
  }
}

/** Rows older proxies stored as JSON text are written back as the object they hold (the SPEC: read both, write objects). */
function objectOf(document: unknown): JsonObject {
  const object = storedJsonObject(document);
  if (object === undefined || object === UNDECODABLE) throw new Error('a rewritten row is not a JSON object');
  return object;
}
