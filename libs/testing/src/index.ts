export { TcpProxy } from './tcp-proxy.js';
export { createTestDatabase, testServerUrl, withHostPort, type TestDatabase } from './test-database.js';
export { testEnv, testRedisUrl } from './test-env.js';
export { waitFor } from './wait-for.js';
export { freePort, spawnBuiltApp, type SpawnedApp } from './spawn-app.js';
export { SmtpSink, type ReceivedMail, type SmtpGate } from './smtp-sink.js';
export { runCli, type CliResult } from './run-cli.js';
export { jobCompleted } from './job-state.js';
export { LdapServer, type LdapPerson, LDAP_ROOT_DN, LDAP_ROOT_PASSWORD, LDAP_SERVICE_DN, LDAP_SERVICE_PASSWORD, LDAP_SUFFIX } from './ldap-server.js';
