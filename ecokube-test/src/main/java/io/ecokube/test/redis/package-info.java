/** A real Debian redis-server on loopback for tests of Redis Stream consumers. */
package io.ecokube.test.redis;
