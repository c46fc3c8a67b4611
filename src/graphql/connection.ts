// Relay-style connections: edges { cursor node }, pageInfo, totalCount, with opaque cursors. The total is counted
// only when a client selects it: on a long table that costs a scan of every match.
import { Field, FieldResolver, Int, ObjectType, Resolver, Root, type ClassType } from 'type-graphql';
import { ApiError } from '../errors/ApiError';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: PageInfo;
  /** Counts every match; called only when `totalCount` is selected. */
  countAll(): Promise<number>;
}

/** The connection type of `nodeType`, and the resolver of its `totalCount` (list it with the schema's resolvers). */
export function ConnectionType<Node extends object>(nodeType: ClassType<Node>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: Node;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }

  @Resolver(() => ConnectionClass)
  class TotalCountResolver {
    @FieldResolver(() => Int, { description: 'All matching items, on every page.' })
    totalCount(@Root() connection: Connection<Node>): Promise<number> {
      return connection.countAll();
    }
  }
  return { Connection: ConnectionClass, TotalCountResolver };
}

/** `first` defaults to DEFAULT_PAGE_SIZE and may not exceed MAX_PAGE_SIZE. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw ApiError.badInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor and checks its shape; anything else is bad input. */
export function decodeCursor<Position>(cursor: string, isPosition: (value: unknown) => value is Position): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isPosition(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw ApiError.badInput('The cursor `after` is not one this API gave out.');
}

/** Builds a connection from one page fetched with one extra row to learn whether more follow. */
export function toConnection<Row, Node>(
  rows: Row[],
  limit: number,
  countAll: () => Promise<number>,
  cursorOf: (row: Row) => string,
  nodeOf: (row: Row) => Node,
): Connection<Node> {
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    countAll,
  };
}
