/**
 * An event-driven FTP client ({@link net.sloop.ftp.client.FtpClient}) and a mirror built on it
 * ({@link net.sloop.ftp.client.FtpMirror}), with hashes of what was transferred.
 */
package net.sloop.ftp.client;
