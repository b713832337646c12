package net.sloop.status;

import java.util.ArrayList;
import java.util.List;
import net.sloop.ftp.FtpServer;
import net.sloop.service.ServiceStats;
import net.sloop.service.Services;

/** The sources of figures a stack's applications offer: each small service over TCP and UDP, and FTP. */
public final class Sources {
    private Sources() {}

    /** One source per service started by {@code services} (null: none), then FTP's (null: none). */
    public static List<StatusView.Source> of(Services services, FtpServer ftp) {
        List<StatusView.Source> out = new ArrayList<>();
        if (services != null) {
            for (ServiceStats s : services.stats()) out.add(new StatusView.Source(s.kind().serviceName(), s.udp() ? "udp" : "tcp", s.port(), s));
        }
        if (ftp != null) out.add(new StatusView.Source("ftp", "tcp", ftp.port(), ftp.stats()));
        return out;
    }

    /** As {@link #of(Services, FtpServer)}, then HTTP's (null: none). */
    public static List<StatusView.Source> of(Services services, FtpServer ftp, net.sloop.http.HttpServer http) {
        List<StatusView.Source> out = of(services, ftp);
        if (http != null) out.add(new StatusView.Source("http", "tcp", http.port(), http.stats()));
        return out;
    }
}
