package io.ecokube.power.ipmi.rmcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  @Test
  void risingNumbersAreFreshAndRepeatsAreNot() {
    ReplayWindow w = new ReplayWindow();
    assertThat(w.accept(1)).isTrue();
    assertThat(w.accept(2)).isTrue();
    assertThat(w.accept(2)).isFalse();
    assertThat(w.accept(1)).isFalse();
    assertThat(w.accept(5)).isTrue();
  }

  @Test
  void lateButUnseenNumbersInsideTheWindowAreAcceptedOnce() {
    ReplayWindow w = new ReplayWindow();
    w.accept(10);
    w.accept(12);
    assertThat(w.accept(11)).isTrue();
    assertThat(w.accept(11)).isFalse();
    w.accept(30);
    assertThat(w.accept(15)).isTrue();
    assertThat(w.accept(14)).isFalse();
  }

  @Test
  void zeroIsNeverASessionSequenceNumber() {
    ReplayWindow w = new ReplayWindow();
    assertThat(w.accept(0)).isFalse();
  }

  @Test
  void numbersWrapAround() {
    ReplayWindow w = new ReplayWindow();
    assertThat(w.accept(0xFFFFFFFE)).isTrue();
    assertThat(w.accept(0xFFFFFFFF)).isTrue();
    assertThat(w.accept(1)).isTrue();
    assertThat(w.accept(0xFFFFFFFF)).isFalse();
    assertThat(w.accept(0xFFFFFFFD)).isTrue();
  }

  @Test
  void aBigJumpForgetsTheOldWindow() {
    ReplayWindow w = new ReplayWindow();
    w.accept(1);
    w.accept(100);
    assertThat(w.accept(99)).isTrue();
    assertThat(w.accept(100)).isFalse();
    assertThat(w.accept(84)).isFalse();
  }
}
