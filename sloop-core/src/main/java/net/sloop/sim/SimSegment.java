package net.sloop.sim;

import java.util.Arrays;
import net.sloop.link.Link;

/**
 * A shared broadcast medium, like an Ethernet hub: every frame a member port transmits reaches
 * every other member, each copy impaired independently by the sender's {@link Impairments}.
 * Filtering by destination address is the receiving stack's job. All members have the same
 * {@link Link.Kind}. Made by {@link SimNetwork#segment}.
 */
public final class SimSegment {
    private final SimNetwork network;
    private final String name;
    SimPort[] members = new SimPort[0];

    SimSegment(SimNetwork network, String name) {
        this.network = network;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Number of ports joined. */
    public int size() {
        return members.length;
    }

    /** Adds {@code port}, which must belong to the same network and not be connected or joined elsewhere. */
    public SimSegment join(SimPort port) {
        if (port.network != network) {
            throw new IllegalArgumentException(port.name() + " belongs to another SimNetwork than segment " + name);
        }
        if (port.peer != null || port.segment != null) {
            throw new IllegalArgumentException(port.name() + " is already connected; a port joins one link or segment");
        }
        if (members.length > 0 && members[0].kind() != port.kind()) {
            throw new IllegalArgumentException("segment " + name + " carries " + members[0].kind()
                    + " frames; " + port.name() + " is " + port.kind());
        }
        members = Arrays.copyOf(members, members.length + 1);
        members[members.length - 1] = port;
        port.segment = this;
        return this;
    }

    @Override
    public String toString() {
        return "SimSegment[" + name + ", " + members.length + " ports]";
    }
}
