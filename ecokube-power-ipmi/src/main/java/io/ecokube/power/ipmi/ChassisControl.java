package io.ecokube.power.ipmi;

/** The actions of the IPMI Chassis Control command (IPMI v2.0 section 28.3). */
enum ChassisControl {
  POWER_DOWN(0x00, "power off (hard)"),
  POWER_UP(0x01, "power on"),
  POWER_CYCLE(0x02, "power cycle"),
  HARD_RESET(0x03, "hard reset"),
  SOFT_SHUTDOWN(0x05, "soft off (ACPI)");

  private final int code;
  private final String description;

  ChassisControl(int code, String description) {
    this.code = code;
    this.description = description;
  }

  int code() {
    return code;
  }

  String description() {
    return description;
  }
}
