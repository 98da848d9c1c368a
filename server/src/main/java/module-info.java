/**
 * Herald's server: transport, broker, event log, HTTP routes and the embedding API ({@link herald.server.Herald}).
 * Only the embedding API is exported; the rest is machinery (see the module's README).
 */
module herald.server {
    requires transitive herald.protocol;
    requires jdk.management;

    exports herald.server;
}
