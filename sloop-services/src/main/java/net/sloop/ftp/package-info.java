/**
 * An FTP server (RFC 959, 2428, 3659) on a stack's event-driven sockets ({@link net.sloop.ftp.FtpServer}),
 * configured by {@link net.sloop.ftp.FtpConfig}, with users ({@link net.sloop.ftp.FtpUsers}) and figures
 * ({@link net.sloop.ftp.FtpStats}); its sessions and data connections are charged to the budget and
 * admitted under TCP's memory rule.
 */
package net.sloop.ftp;
