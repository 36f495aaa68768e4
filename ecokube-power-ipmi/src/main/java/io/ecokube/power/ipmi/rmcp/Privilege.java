package io.ecokube.power.ipmi.rmcp;

import java.util.Locale;

/** An IPMI session privilege level; chassis control needs at least {@link #OPERATOR}. */
public enum Privilege {
  /** Read-only commands such as Get Chassis Status. */
  USER(0x02),
  /** Adds chassis control (power on, off, cycle, reset). */
  OPERATOR(0x03),
  /** Everything, including user and channel configuration. */
  ADMINISTRATOR(0x04);

  private final int code;

  Privilege(int code) {
    this.code = code;
  }

  /** The level as it travels on the wire. */
  public int code() {
    return code;
  }

  /**
   * The lower-case name used in settings: {@code user}, {@code operator}, {@code administrator}.
   */
  public String settingName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
