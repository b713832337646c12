/**
 * The demo ({@code sloop demo}): two stacks over a simulated lossy Ethernet, ping, UDP and TCP echo, and
 * the memory figures.
 */
package net.sloop.demo;
