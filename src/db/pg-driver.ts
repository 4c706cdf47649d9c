// node-postgres, loaded with the global `Response` hidden (see hide-fetch.ts). Every module that needs pg's
// values imports them from here, so that this is where pg is first loaded.
import { restoreFetch } from './hide-fetch.js';
import pg from 'pg';

restoreFetch();

export default pg;
