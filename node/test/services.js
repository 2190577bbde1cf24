'use strict'
// PostgreSQL and Redis for the store tests: the throwaway servers `make node-test` starts
// (tools/postgres/run.sh, tools/redis/run.sh), a fresh database per test file, and URLs that
// the worker and shop processes connect with (PostgreSQL over verified TLS).
const crypto = require('node:crypto')

function required(name) {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: run \`make node-test\` (it starts PostgreSQL and Redis), or tools/postgres/run.sh tools/redis/run.sh node --test test/`)
  }
  return value
}

/** The URL of database `name` on the test server, TLS verified against the test CA. */
function pgUrl(name) {
  const admin = new URL(required('DOKU_TEST_POSTGRES_URL'))
  admin.pathname = `/${name}`
  admin.searchParams.set('sslmode', 'verify-full')
  admin.searchParams.set('sslrootcert', required('PGSSLROOTCERT'))
  return admin.toString()
}

/** Creates a fresh database; resolves to `{ name, url, drop() }`. */
async function freshDatabase(prefix) {
  const { Pool } = require('pg')
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`
  const admin = new Pool({ connectionString: pgUrl('postgres'), max: 1 })
  await admin.query(`CREATE DATABASE ${name}`)
  return {
    name,
    url: pgUrl(name),
    // pg's Pool.end() resolves before its sockets have closed: wait for the server to see
    // them go (a forced drop would kill them mid-goodbye, an error nobody listens to).
    drop: async () => {
      for (let i = 0; i < 100; i++) {
        const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
        if (rows[0].n === 0) break
        await new Promise((r) => setTimeout(r, 50))
      }
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

/** BullMQ's connection options for the test Redis. */
function redisConnection() {
  const url = new URL(required('DOKU_TEST_REDIS_URL'))
  return { host: url.hostname, port: Number(url.port), db: Number(url.pathname.slice(1) || 0), maxRetriesPerRequest: null }
}

module.exports = { pgUrl, freshDatabase, redisConnection, required }
