/**
 * The live view over HTTP ({@link net.sloop.dashboard.StatusPages}): the dashboard page at
 * {@code /status} (its HTML, CSS and script, and uPlot from its WebJar, read once from the jar),
 * {@code /status.json}, {@code /status.csv} and {@code /status/events} (server-sent events),
 * mounted on an {@link net.sloop.http.HttpServer}. Documents are rendered window by window through
 * each connection's own buffer from a snapshot held while they are sent, so no response copies or
 * charges a document.
 */
package net.sloop.dashboard;
