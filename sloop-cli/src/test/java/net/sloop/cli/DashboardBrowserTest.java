package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.sloop.status.JsonReader;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * A real browser on the status dashboard of {@code ./sloop serve --budget 128k --http-root DIR}
 * (the seed-000 device): Debian's chromium, headless, driven by Selenium through Debian's
 * chromedriver, both inside the serve's namespace, so the browser reaches Sloop over the TUN device
 * as any client there would. It checks that the gauge, the chart and the connection table show the
 * figures of /status.json fetched at about the same time (exactly what cannot move, within bounds
 * what can), that a connection Linux opens to discard appears in the table and goes when closed,
 * that the chart gains points, and that echo still answers with the dashboard open; then that
 * serve's budget is back at its baseline. It prints the peak memory with the dashboard open.
 *
 * <p>How the test reaches the browser: chromedriver listens on the namespace's loopback, which
 * the test's (root) namespace cannot reach. Rather than configure a veth pair and routes,
 * {@link NamespaceBridge} opens a port on this namespace's loopback and joins each connection to
 * {@code ip netns exec NS nc 127.0.0.1 PORT}: nothing is configured, nothing leaves a loopback.
 * Selenium's RemoteWebDriver talks W3C WebDriver to it, so Selenium Manager never runs and nothing
 * is downloaded. Skipped unless root with /dev/net/tun, ip, nc, curl, chromium and chromedriver
 * ({@code ./test} installs chromium and chromium-driver).
 */
@Timeout(240)
class DashboardBrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium", CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final int DRIVER_PORT = 9515;

    @Test
    void theDashboardShowsTheFiguresOfTheJsonAndFollowsAConnection() throws Exception {
        FtpRig.assumeRootWithTools("nc", "curl");
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        Path www = Files.createTempDirectory("sloop-dash-www");
        Files.writeString(www.resolve("index.html"), "<p>hello</p>\n");
        List<Executable> checks = new ArrayList<>();
        String figures = "";
        try (HttpRig rig = HttpRig.ready("128k", "--http-root", www.toString())) {
            assertTrue(rig.serve.out().contains("status pages at /status on HTTP port 80"), rig.serve::transcript);
            Process driverProcess = new ProcessBuilder("ip", "netns", "exec", rig.ns, CHROMEDRIVER, "--port=" + DRIVER_PORT)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Process nc = null;
            WebDriver driver = null;
            NamespaceBridge bridge = new NamespaceBridge(rig.ns, DRIVER_PORT);
            try {
                String driverUrl = "http://127.0.0.1:" + bridge.port();
                assertTrue(until(20_000, () -> driverReady(driverUrl)), "chromedriver did not answer in the namespace");
                ChromeOptions options = new ChromeOptions();
                options.setBinary(CHROMIUM);
                options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,2200",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update");
                driver = new RemoteWebDriver(URI.create(driverUrl).toURL(), options);
                driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
                WebDriver d = driver;
                driver.get(rig.url("/status"));
                assertTrue(until(20_000, () -> "events".equals(attr(d, "feed", "data-state")) && attr(d, "budget-capacity", "data-value") != null),
                        () -> "the page never went live: feed " + attr(d, "feed", "data-state") + "\n" + rig.serve.transcript());

                // The gauge against the JSON of the same moment.
                Map<String, Object> doc = json(rig);
                Map<?, ?> budget = (Map<?, ?>) doc.get("budget");
                for (String k : new String[] {"capacity", "reserve", "baseline"}) {
                    assertEquals(num(budget, k), Long.parseLong(attr(d, "budget-" + k, "data-value")), "gauge " + k + " is the JSON's");
                }
                long slack = 16 * 1024; // used and free move as connections come and go; a snapshot a second
                for (String k : new String[] {"used", "free", "committed", "uncommitted_free"}) {
                    long page = Long.parseLong(attr(d, "budget-" + k.replace('_', '-'), "data-value"));
                    assertTrue(Math.abs(page - num(budget, k)) <= slack, "gauge " + k + " " + page + " vs JSON " + num(budget, k));
                }
                long pagePeak = Long.parseLong(attr(d, "budget-peak", "data-value"));
                assertTrue(pagePeak <= num(budget, "peak") && pagePeak >= num(budget, "baseline"), "peak " + pagePeak + " vs " + budget);
                assertTrue(Long.parseLong(attr(d, "budget-min-free", "data-value")) >= num(budget, "min_free"), "the minimum only falls");
                // Both read in one script: the page's event loop cannot apply an update between them.
                List<?> shownAndDrawn = (List<?>) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "return [document.getElementById('budget-used').getAttribute('data-value'),"
                                + " document.getElementById('gauge-used').getAttribute('data-value')];");
                assertEquals(shownAndDrawn.get(0), shownAndDrawn.get(1), "the bar draws the figure shown");
                assertTrue(d.findElements(By.cssSelector("#chart canvas")).size() > 0, "uPlot drew the chart");
                int points = Integer.parseInt(attr(d, "chart", "data-points"));
                assertTrue(points >= 1, "points " + points);
                long lastUsed = Long.parseLong(attr(d, "chart", "data-last-used"));
                assertTrue(Math.abs(lastUsed - num(budget, "used")) <= slack, "the chart's last point " + lastUsed + " vs " + num(budget, "used"));
                assertEquals(((List<?>) doc.get("services")).size(), d.findElements(By.cssSelector("#services tbody tr")).size());
                assertEquals(1, d.findElements(By.cssSelector("#services tr[data-service='http/tcp/80']")).size());

                // The browser's own event stream is a connection of the JSON and of the table.
                String sloop = rig.sloop();
                List<String> jsonRemotes = new ArrayList<>();
                for (Object o : (List<?>) doc.get("connections")) {
                    Map<?, ?> c = (Map<?, ?>) o;
                    if (c.get("local").equals(sloop + ":80") && c.get("state").equals("established")) jsonRemotes.add((String) c.get("remote"));
                }
                assertTrue(until(5_000, () -> jsonRemotes.stream().anyMatch(r -> !rows(d, sloop + ":80", r).isEmpty())),
                        "the table shows an HTTP connection of the JSON " + jsonRemotes);

                // A connection from Linux appears, with its figures, and goes.
                nc = new ProcessBuilder("ip", "netns", "exec", rig.ns, "nc", "-N", sloop, "9").redirectErrorStream(true).start();
                OutputStream ncIn = nc.getOutputStream();
                ncIn.write("hello\n".getBytes());
                ncIn.flush();
                assertTrue(until(10_000, () -> !rows(d, sloop + ":9", null).isEmpty()), "the discard connection appears in the table");
                Map<String, Object> row = row(d, sloop + ":9");
                assertEquals("established", row.get("data-state"), row.toString());
                assertTrue(((String) row.get("data-remote")).startsWith(rig.net + "1:"), row.toString());
                assertTrue(Long.parseLong((String) row.get("memory")) >= 760, row.toString());

                // The chart updates: new points, one a second.
                int before = Integer.parseInt(attr(d, "chart", "data-points"));
                assertTrue(until(8_000, () -> Integer.parseInt(attr(d, "chart", "data-points")) >= before + 2),
                        () -> "the chart stayed at " + before + " points");

                // The services are not starved with the dashboard open: echo answers.
                HostNet.Result echo = rig.sh(10, "echo dashboard-open | nc -N -w 5 " + sloop + " 7");
                assertEquals("dashboard-open", echo.output().strip(), echo.toString());

                ncIn.close();
                assertTrue(nc.waitFor(10, TimeUnit.SECONDS));
                assertTrue(until(10_000, () -> rows(d, sloop + ":9", null).isEmpty()), "the closed connection leaves the table");
                // What the browser showed, for a person to look at (the module's build directory).
                Path shot = Files.createDirectories(Path.of("sloop-cli", "target")).resolve("dashboard-browser.png");
                Files.write(shot, ((RemoteWebDriver) d).getScreenshotAs(OutputType.BYTES));
                long peakOpen = Long.parseLong(attr(d, "budget-peak", "data-value"));
                long minFree = Long.parseLong(attr(d, "budget-min-free", "data-value"));
                figures = "peak " + peakOpen + " B of " + num(budget, "capacity") + " (baseline " + num(budget, "baseline") + "), min free " + minFree
                        + " B, allocation failures " + attr(d, "budget-failures", "data-value");
            } finally {
                try {
                    if (driver != null) driver.quit();
                } catch (RuntimeException e) {
                    System.err.println("quitting the browser: " + e);
                } finally {
                    // chromedriver and whatever browser it left: by their process ids, children first
                    driverProcess.descendants().forEach(ProcessHandle::destroyForcibly);
                    driverProcess.destroy();
                    driverProcess.waitFor(10, TimeUnit.SECONDS);
                    if (nc != null) nc.destroy();
                    bridge.close();
                }
            }
            String open = rig.awaitConnectionsEnded(30_000);
            assertTrue(open.isEmpty(), () -> "connections still open after the browser quit: " + open);
            checks.addAll(rig.stopAndCheckMemoryBack());
            System.out.println("interop: dashboard in chromium on serve --budget 128k --http-root, with it open: " + figures + "; " + rig.httpLine());
        }
        assertAll(checks);
    }

    private static boolean driverReady(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/status")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"ready\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, Object> json(HttpRig rig) throws IOException {
        HostNet.Result r = rig.exec(10, "curl", "-s", "-f", "--max-time", "5", rig.url("/status.json"));
        assertTrue(r.ok(), r.toString());
        return JsonReader.object(r.output());
    }

    private static long num(Map<?, ?> m, String k) {
        return ((Number) m.get(k)).longValue();
    }

    private static String attr(WebDriver d, String id, String name) {
        List<WebElement> e = d.findElements(By.id(id));
        return e.isEmpty() ? null : e.get(0).getDomAttribute(name);
    }

    /** The table's rows for {@code local} (and {@code remote}, unless null). */
    private static List<WebElement> rows(WebDriver d, String local, String remote) {
        String sel = "#connections-body tr[data-local='" + local + "']" + (remote == null ? "" : "[data-remote='" + remote + "']");
        return d.findElements(By.cssSelector(sel));
    }

    /** The first row for {@code local}, read at once by a script (the table is redrawn each second): its attributes, then each cell's value by field. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(WebDriver d, String local) {
        return (Map<String, Object>) ((RemoteWebDriver) d).executeScript(
                "var r = document.querySelector(\"#connections-body tr[data-local='\" + arguments[0] + \"']\"); if (!r) return null;"
                        + " var o = {}; for (var a of r.attributes) o[a.name] = a.value;"
                        + " r.querySelectorAll('td').forEach(function (td) { o[td.getAttribute('data-field')] = td.getAttribute('data-value'); }); return o;",
                local);
    }

    private static boolean until(long millis, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            try {
                if (ok.getAsBoolean()) return true;
            } catch (RuntimeException e) {
                // a row replaced under us (the table is redrawn each second): try again
            }
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(200);
        }
    }
}
