/**
 * The file-system interface the FTP and HTTP servers serve from ({@link net.sloop.fs.FileSystem}): an
 * in-memory tree ({@link net.sloop.fs.MemoryFs}) or a host directory as a jail ({@link net.sloop.fs.HostFs}),
 * with paths normalised once ({@link net.sloop.fs.FsPath}).
 */
package net.sloop.fs;
