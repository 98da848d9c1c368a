/**
 * Herald's server: transport, broker, event log, HTTP routes and the embedding API ({@link herald.server.Herald}).
 */
module herald.server {
    requires transitive herald.protocol;
    requires jdk.management;

    exports herald.server;
    exports herald.server.log;
}
