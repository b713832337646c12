package net.sloop.ftp;

/**
 * The figures of one FTP server: plain counters updated on the stack's thread, each limit with
 * its own, and a one-line report like the small services' ({@link #line}).
 */
public final class FtpStats implements net.sloop.stats.Figures {
    final int port;
    long sessions, active, peakActive;
    /** Refused with 421: every session slot taken; too many from one address; the address is locked out after login failures. */
    long refusedFull, refusedPerAddress, refusedLockedOut;
    long loginsOk, loginsFailed, closedLoginFailures, lineTooLong, notLoggedIn, closedBeforeLogin, idleClosed;
    long acceptTimeouts, stallTimeouts, dataRefusedForeign, portRefused, passiveOpened, activeOpened, dataFailed;
    long transfersOk, transfersFailed, aborted, listings, bytesIn, bytesOut, commands, errors;

    FtpStats(int port) {
        this.port = port;
    }

    public int port() { return port; }
    /** Control connections taken into a session. */
    public long sessions() { return sessions; }
    public long active() { return active; }
    public long peakActive() { return peakActive; }
    /** 421: every session slot was taken. */
    public long refusedFull() { return refusedFull; }
    /** 421: the client's address held its most sessions. */
    public long refusedPerAddress() { return refusedPerAddress; }
    /** 421: the client's address had too many failed logins recently. */
    public long refusedLockedOut() { return refusedLockedOut; }
    public long loginsOk() { return loginsOk; }
    /** 530 after PASS (each answered after the login delay). */
    public long loginsFailed() { return loginsFailed; }
    /** Sessions closed (421) for too many failed logins. */
    public long closedLoginFailures() { return closedLoginFailures; }
    /** 500: a command line longer than the limit. */
    public long lineTooLong() { return lineTooLong; }
    /** 530: a command that needs a login, before one. */
    public long notLoggedIn() { return notLoggedIn; }
    /** Sessions closed (421) after too many commands before a login. */
    public long closedBeforeLogin() { return closedBeforeLogin; }
    /** Sessions closed (421) for idleness. */
    public long idleClosed() { return idleClosed; }
    /** 425: nobody connected to a passive port, or an active connection was not made, in time. */
    public long acceptTimeouts() { return acceptTimeouts; }
    /** 426: a transfer that moved nothing for too long. */
    public long stallTimeouts() { return stallTimeouts; }
    /** Data connections from an address other than the control connection's, reset (RFC 2577 §4: no theft). */
    public long dataRefusedForeign() { return dataRefusedForeign; }
    /** PORT/EPRT refused: another address or a port below 1024 (RFC 2577 §3: no bounce). */
    public long portRefused() { return portRefused; }
    public long passiveOpened() { return passiveOpened; }
    public long activeOpened() { return activeOpened; }
    /** 425: a data connection could not be opened (no memory, refused). */
    public long dataFailed() { return dataFailed; }
    /** 226 after a transfer or listing. */
    public long transfersOk() { return transfersOk; }
    /** 426/451/452/550 after a transfer began. */
    public long transfersFailed() { return transfersFailed; }
    /** Transfers ended by ABOR (426 then 226). */
    public long aborted() { return aborted; }
    public long listings() { return listings; }
    /** File bytes stored. */
    public long bytesIn() { return bytesIn; }
    /** Data-connection bytes sent (files and listings). */
    public long bytesOut() { return bytesOut; }
    public long commands() { return commands; }
    /** Control connections that ended with an error (reset, timed out). */
    public long errors() { return errors; }

    /** Every counter above, named in snake case (sessions, active, peak_active, refused_full, ...), in declaration order. */
    @Override
    public void figures(Sink s) {
        s.figure("sessions", sessions);
        s.figure("active", active);
        s.figure("peak_active", peakActive);
        s.figure("refused_full", refusedFull);
        s.figure("refused_per_address", refusedPerAddress);
        s.figure("refused_locked_out", refusedLockedOut);
        s.figure("logins_ok", loginsOk);
        s.figure("logins_failed", loginsFailed);
        s.figure("closed_login_failures", closedLoginFailures);
        s.figure("line_too_long", lineTooLong);
        s.figure("not_logged_in", notLoggedIn);
        s.figure("closed_before_login", closedBeforeLogin);
        s.figure("idle_closed", idleClosed);
        s.figure("accept_timeouts", acceptTimeouts);
        s.figure("stall_timeouts", stallTimeouts);
        s.figure("data_refused_foreign", dataRefusedForeign);
        s.figure("port_refused", portRefused);
        s.figure("passive_opened", passiveOpened);
        s.figure("active_opened", activeOpened);
        s.figure("data_failed", dataFailed);
        s.figure("transfers_ok", transfersOk);
        s.figure("transfers_failed", transfersFailed);
        s.figure("aborted", aborted);
        s.figure("listings", listings);
        s.figure("bytes_in", bytesIn);
        s.figure("bytes_out", bytesOut);
        s.figure("commands", commands);
        s.figure("errors", errors);
    }

    void opened() {
        sessions++;
        if (++active > peakActive) peakActive = active;
    }

    /** One line for people. */
    public String line() {
        return String.format("ftp      tcp/%-5d sessions %d, active %d (peak %d), refused %d full/%d per-address/%d locked-out, logins %d ok/%d failed"
                        + " (%d closed), 530 before login %d, long lines %d, idle-closed %d, 425 accept %d, 426 stall %d, foreign data %d, PORT refused %d,"
                        + " transfers %d ok/%d failed/%d aborted, listings %d, in %d B, out %d B, errors %d",
                port, sessions, active, peakActive, refusedFull, refusedPerAddress, refusedLockedOut, loginsOk, loginsFailed, closedLoginFailures,
                notLoggedIn, lineTooLong, idleClosed, acceptTimeouts, stallTimeouts, dataRefusedForeign, portRefused, transfersOk, transfersFailed,
                aborted, listings, bytesIn, bytesOut, errors);
    }

    @Override
    public String toString() {
        return line();
    }
}
