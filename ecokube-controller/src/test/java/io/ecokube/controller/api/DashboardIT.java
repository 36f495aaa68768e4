package io.ecokube.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.ecokube.controller.HealthServer;
import io.ecokube.core.energy.CarbonPricedTariff;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.predict.arima.AutoArimaForecaster;
import io.ecokube.prometheus.attribution.Attribution;
import io.ecokube.prometheus.attribution.Components;
import io.ecokube.prometheus.attribution.ContainerKey;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, through
 * Selenium): what it shows, and that nothing overflows at 600 px and 1400 px.
 */
class DashboardIT {
  private static final String TOKEN = "dashboard-token-42";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private static HealthServer server;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException(
          "Chromium is not installed: run ./scripts/test.sh, or apt-get install chromium"
              + " chromium-driver");
    }
    Instant t0 = Instant.now().minus(Duration.ofHours(2));
    ManualClock clock = new ManualClock(t0);
    CarbonPricedTariff tariff = new CarbonPricedTariff(new FlatTariff(1.5, 0.25, 300, "EUR"), 0.08);
    EnergyLedger ledger = EnergyLedger.builder(clock).tariff(tariff).build();
    PowerProfile profile =
        new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));
    for (String n : List.of("worker-1", "worker-2", "gpu-node-with-a-rather-long-name-7")) {
      ledger.register(NodeSpec.builder(n).power(profile).build(), NodeLifecycle.ACTIVE);
    }
    LedgerHistory history = new LedgerHistory(ledger::report, 1000);
    DemandHistory demand =
        new DemandHistory(
            () -> 4 + 2 * Math.sin(clock.now().getEpochSecond() / 600.0),
            Duration.ofMinutes(2),
            1000,
            AutoArimaForecaster.builder().build(),
            clock);
    for (int minute = 0; minute <= 118; minute += 2) {
      clock.set(t0.plus(Duration.ofMinutes(minute)));
      if (minute == 30) {
        ledger.onTransition(
            new NodeTransition(
                "worker-2", NodeLifecycle.ACTIVE, NodeLifecycle.OFF, clock.now(), "idle"));
      }
      history.sample();
      demand.sample();
    }
    List<NodeStatus> nodes =
        List.of(
            new NodeStatus("worker-1", "default", "ACTIVE", true, false, 100),
            new NodeStatus("worker-2", "default", "OFF", false, true, 5),
            new NodeStatus(
                "gpu-node-with-a-rather-long-name-7", "gpu", "BOOTING", false, false, 150));
    Attribution now =
        new Attribution(
            Attribution.Unit.WATTS,
            clock.now(),
            clock.now(),
            Map.of("worker-1", 180.0),
            Map.of(
                new ContainerKey("worker-1", "shop", "web-5d8f9-abcde", "app"),
                new Components(40, 5, 0, 3),
                new ContainerKey("worker-1", "ml", "trainer-0", "cuda"),
                new Components(20, 4, 60, 2)));
    EcoKubeApi api =
        EcoKubeApi.builder(clock, tariff)
            .token(TOKEN.getBytes(StandardCharsets.UTF_8))
            .ledger(ledger, history)
            .nodes(() -> nodes)
            .demand(demand)
            .attribution(
                new PowerAttribution() {
                  @Override
                  public Attribution power() {
                    return now;
                  }

                  @Override
                  public Attribution energy(Instant from, Instant to) {
                    return now;
                  }
                },
                p ->
                    p.name().startsWith("web-")
                        ? Optional.of(WorkloadRef.deployment(p.namespace(), "web"))
                        : Optional.<WorkloadRef>empty())
            .build();
    server = HealthServer.builder(InetAddress.getLoopbackAddress(), 0).api(api).build();
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static WebDriver browser(int width) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=" + width + ",1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    WebDriver d = new ChromeDriver(service, o);
    d.manage().window().setSize(new Dimension(width, 1000));
    return d;
  }

  private static String url() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  private static void awaitLoaded(WebDriver d) {
    new WebDriverWait(d, Duration.ofSeconds(20))
        .until(x -> x.findElements(By.cssSelector("#nodes tbody tr")).size() == 3);
    new WebDriverWait(d, Duration.ofSeconds(20))
        .until(x -> x.findElements(By.cssSelector("#workloads tbody tr")).size() == 2);
  }

  @Test
  void showsNodesWattsSavingsDemandAndWorkloadsAt1400() {
    WebDriver d = browser(1400);
    try {
      d.get(url() + "#token=" + TOKEN);
      awaitLoaded(d);
      assertThat(d.getCurrentUrl()).doesNotContain(TOKEN);
      List<WebElement> rows = d.findElements(By.cssSelector("#nodes tbody tr"));
      assertThat(rows.get(1).getText()).contains("worker-2").contains("OFF");
      assertThat(rows.get(2).getText()).contains("BOOTING");
      assertThat(d.findElement(By.id("watts-now")).getText()).matches("[0-9,]+ W");
      assertThat(d.findElement(By.id("saved-kwh")).getText()).matches("[0-9.,]+ kWh");
      assertThat(d.findElement(By.id("saved-cost")).getText()).endsWith("EUR");
      assertThat(d.findElement(By.id("saved-co2")).getText()).endsWith("kg");
      assertThat(d.findElement(By.id("saved-share")).getText()).contains("% of always-on");
      String points = d.findElement(By.id("demand-actual")).getAttribute("points");
      assertThat(points.split(" ")).hasSizeGreaterThanOrEqualTo(50);
      assertThat(d.findElement(By.id("workloads")).getText())
          .contains("ml/trainer-0 (Pod)")
          .contains("shop/web (Deployment)");
      noOverflow(d, 1400);
      List<Integer> tops = cardTops(d);
      assertThat(tops).as("four cards in one row").containsOnly(tops.get(0));
    } finally {
      d.quit();
    }
  }

  @Test
  void fitsA600PixelScreen() {
    WebDriver d = browser(600);
    try {
      d.get(url() + "#token=" + TOKEN);
      awaitLoaded(d);
      noOverflow(d, 600);
      List<Integer> tops = cardTops(d);
      assertThat(tops.get(2)).as("cards wrap onto a second row").isGreaterThan(tops.get(0));
    } finally {
      d.quit();
    }
  }

  @Test
  void asksForTheTokenAndSaysWhenItIsWrong() {
    WebDriver d = browser(1400);
    try {
      d.get(url());
      WebElement input = d.findElement(By.id("token"));
      assertThat(input.isDisplayed()).isTrue();
      input.sendKeys("wrong-token");
      d.findElement(By.cssSelector("#login button")).click();
      new WebDriverWait(d, Duration.ofSeconds(20))
          .until(x -> !x.findElement(By.id("login-error")).getText().isEmpty());
      assertThat(d.findElement(By.id("login-error")).getText()).contains("not the API's token");
      input = d.findElement(By.id("token"));
      input.clear();
      input.sendKeys(TOKEN);
      d.findElement(By.cssSelector("#login button")).click();
      awaitLoaded(d);
    } finally {
      d.quit();
    }
  }

  /** No horizontal scrolling, and no visible element reaching past the viewport's edges. */
  private static void noOverflow(WebDriver d, int width) {
    JavascriptExecutor js = (JavascriptExecutor) d;
    long inner = (Long) js.executeScript("return window.innerWidth;");
    assertThat(inner).isBetween(width - 20L, (long) width);
    long scroll = (Long) js.executeScript("return document.documentElement.scrollWidth;");
    assertThat(scroll).as("page width").isLessThanOrEqualTo(inner);
    @SuppressWarnings("unchecked")
    List<String> out =
        (List<String>)
            js.executeScript(
                "const out = [];"
                    + "for (const e of document.querySelectorAll('body *')) {"
                    + "  const r = e.getBoundingClientRect();"
                    + "  if (r.width === 0 && r.height === 0) continue;"
                    + "  if (r.left < -0.5 || r.right > window.innerWidth + 0.5)"
                    + "    out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + r.left + '..' + r.right);"
                    + "}"
                    + "return out;");
    assertThat(out).as("elements past the edge at %d px", width).isEmpty();
  }

  private static List<Integer> cardTops(WebDriver d) {
    return d.findElements(By.cssSelector(".card")).stream()
        .map(e -> e.getLocation().getY())
        .toList();
  }
}
