/**
 * The IPMI v2.0 RMCP+ wire protocol (what {@code ipmitool -I lanplus} speaks): packet and message
 * codecs, the RAKP key exchange with HMAC-SHA1 and HMAC-SHA256, HMAC-SHA1-96 / HMAC-SHA256-128
 * integrity, AES-CBC-128 confidentiality, and {@link io.ecokube.power.ipmi.rmcp.RmcpPlusSession}, a
 * session over UDP with retransmission and bounded waits.
 *
 * <p>Nothing here knows about Eco-Kube nodes or drivers: failures are {@link
 * io.ecokube.power.ipmi.rmcp.RmcpException}s that the driver turns into power exceptions.
 */
package io.ecokube.power.ipmi.rmcp;
