import { dropPostgresSchema, openDatabase } from '../../src/db/connection.js';
import { databaseConformance } from '../conformance/database.conformance.js';
import { PG_URL, pgUrlWithSchema } from '../helpers/env.js';

// Needs the PostgreSQL server this machine kind runs (127.0.0.1:5432, trust auth); fails loudly without it.
const { url, schema } = pgUrlWithSchema('conf');
databaseConformance('postgres', () => openDatabase(url), () => dropPostgresSchema(PG_URL, schema));
