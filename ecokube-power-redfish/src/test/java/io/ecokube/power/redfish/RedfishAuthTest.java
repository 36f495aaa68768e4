package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.Fixtures.NODE;
import static io.ecokube.power.redfish.Fixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.Secret;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions, re-login, Basic fallback and refused credentials. */
class RedfishAuthTest {
  private static final String WRONG = "not-the-password-91";
  private final VirtualSleeper sleeper = new VirtualSleeper();
  private final SystemSpec spec = SystemSpec.standard("s1", "Off");
  private RedfishEmulator em;

  @BeforeEach
  void startEmulator() {
    em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(spec));
  }

  @AfterEach
  void stopEmulator() {
    em.close();
  }

  private RedfishDriver driver(RedfishSettings.Builder b) {
    return new RedfishDriver(NODE, b.build(), sleeper.clock, sleeper);
  }

  @Test
  void opensOneSessionUsesItsTokenAndDeletesItOnClose() throws Exception {
    RedfishDriver d = driver(settings(em));
    d.readState();
    d.powerOn();
    assertThat(em.openSessions()).hasSize(1);
    assertThat(em.count("POST", "/SessionService/Sessions")).isEqualTo(1);
    assertThat(em.requests())
        .filteredOn(r -> r.startsWith("GET /redfish/v1/Systems"))
        .isNotEmpty()
        .allMatch(r -> r.endsWith(" token"));
    d.close();
    assertThat(em.openSessions()).isEmpty();
    assertThat(em.count("DELETE", "/SessionService/Sessions/1")).isEqualTo(1);
    d.close();
    assertThat(em.count("DELETE", "/SessionService/Sessions/")).isEqualTo(1);
    assertThatThrownBy(d::readState)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("closed");
  }

  @Test
  void logsInAgainOnceWhenTheSessionExpires() throws Exception {
    try (RedfishDriver d = driver(settings(em))) {
      assertThat(d.readState()).isEqualTo(PowerState.OFF);
      em.expireSessions();
      d.powerOn();
      assertThat(em.powerState(spec.path())).isEqualTo("On");
      assertThat(em.count("POST", "/SessionService/Sessions")).isEqualTo(2);
      assertThat(em.openSessions()).hasSize(1);
    }
  }

  @Test
  void fallsBackToBasicWhenTheServiceHasNoSessions() throws Exception {
    em.sessionsEnabled(false);
    try (RedfishDriver d = driver(settings(em))) {
      d.powerOn();
      assertThat(em.powerState(spec.path())).isEqualTo("On");
      assertThat(em.requests())
          .filteredOn(r -> r.contains("/Systems"))
          .isNotEmpty()
          .allMatch(r -> r.endsWith(" basic"));
    }
    assertThat(em.count("DELETE", "")).isZero();
  }

  @Test
  void copesWithAServiceRootThatDemandsCredentials() throws Exception {
    em.rootNeedsAuth(true);
    try (RedfishDriver d = driver(settings(em))) {
      assertThat(d.readState()).isEqualTo(PowerState.OFF);
    }
    assertThat(em.requests()).contains("GET /redfish/v1 token");
  }

  @Test
  void basicModeNeverCreatesASession() throws Exception {
    try (RedfishDriver d = driver(settings(em).authMode(AuthMode.BASIC))) {
      assertThat(d.readState()).isEqualTo(PowerState.OFF);
    }
    assertThat(em.count("POST", "/SessionService")).isZero();
    assertThat(em.requests()).anyMatch(r -> r.endsWith(" basic"));
  }

  @Test
  void sessionModeDoesNotFallBackToBasic() {
    em.sessionsEnabled(false);
    try (RedfishDriver d = driver(settings(em).authMode(AuthMode.SESSION))) {
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessageContaining("HTTP 405")
          .hasMessageContaining("creating a session");
    }
    assertThat(em.requests()).noneMatch(r -> r.endsWith(" basic"));
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorThatNeverShowsThePassword() {
    RedfishSettings s =
        RedfishSettings.builder(em.endpoint(), RedfishEmulator.USER, Secret.of(WRONG, "env:BMC_PW"))
            .trustStore(TestTls.get().pem())
            .build();
    try (RedfishDriver d = new RedfishDriver(NODE, s, sleeper.clock, sleeper)) {
      assertThatThrownBy(d::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
                assertThat(e.kind().retryable()).isFalse();
                assertThat(e.node()).isEqualTo(NODE);
                assertThat(e.endpoint())
                    .isEqualTo(em.endpoint() + "/redfish/v1/SessionService/Sessions");
              })
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("username 'admin'")
          .hasMessageContaining("env:BMC_PW")
          .message()
          .doesNotContain(WRONG);
      assertThat(d.toString()).doesNotContain(WRONG);
      assertThat(s.toString()).doesNotContain(WRONG).contains("****");
    }
    assertThat(em.resets(spec.path())).isEmpty();
  }

  @Test
  void aWrongPasswordOverBasicIsAnAuthenticationError() {
    RedfishSettings s =
        RedfishSettings.builder(em.endpoint(), RedfishEmulator.USER, Secret.of(WRONG, "env:BMC_PW"))
            .trustStore(TestTls.get().pem())
            .authMode(AuthMode.BASIC)
            .build();
    try (RedfishDriver d = new RedfishDriver(NODE, s, sleeper.clock, sleeper)) {
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION))
          .hasMessageContaining("HTTP 401")
          .message()
          .doesNotContain(WRONG);
    }
  }

  @Test
  void aSessionThatKeepsBeingRejectedFailsAfterOneRelogin() {
    try (RedfishDriver d = driver(settings(em))) {
      // Every request to the system answers 401, as a BMC that drops sessions at once would.
      em.fail("GET", "/redfish/v1/Systems", 401, 100, null);
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION));
      assertThat(em.count("POST", "/SessionService/Sessions")).isEqualTo(2);
    }
  }
}
