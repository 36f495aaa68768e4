/** IP networks and literals, parsed without any name lookup. */
package io.ecokube.api.net;
