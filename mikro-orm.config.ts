// Configuration for the MikroORM CLI (`npx mikro-orm ...`): the server itself builds the same options in src/database.
import 'reflect-metadata';
import { ormSubscribers } from './src/app/createOrm';
import { ormOptions } from './src/database/ormOptions';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('Set DATABASE_URL to use the MikroORM CLI (the server starts its embedded database itself).');

export default ormOptions({ databaseUrl, poolSize: 1, subscribers: ormSubscribers() });
