/**
 * The {@code ipmi} power driver: chassis power on, off (hard), soft-off (ACPI), cycle, reset and
 * status over IPMI v2.0 LAN (RMCP+), and a DCMI power meter, for BMCs such as iDRAC, iLO, XCC or
 * any OpenBMC. The wire protocol lives in {@link io.ecokube.power.ipmi.rmcp}.
 */
package io.ecokube.power.ipmi;
