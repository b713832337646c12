/**
 * The small services: echo, discard, chargen and daytime over TCP and UDP
 * ({@link net.sloop.service.Services}, configured by {@link net.sloop.service.ServiceConfig}), each
 * connection's memory charged and bounded.
 */
package net.sloop.service;
