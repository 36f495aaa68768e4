/**
 * The IPMI v1.5 LAN protocol (what {@code ipmitool -I lan} speaks), for BMCs without RMCP+: the
 * session header with its per-message auth code (MD5, MD2, straight password or none), and {@link
 * io.ecokube.power.ipmi.lan.LanSession}, which runs Get Channel Authentication Capabilities, Get
 * Session Challenge, Activate Session, Set Session Privilege Level and Close Session over the same
 * UDP link, retransmission and error kinds as the RMCP+ code in {@code io.ecokube.power.ipmi.rmcp}.
 *
 * <p>IPMI 1.5 authenticates each message but neither encrypts commands nor protects them with a
 * modern MAC: prefer RMCP+ wherever the BMC has it.
 */
package io.ecokube.power.ipmi.lan;
