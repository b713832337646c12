package net.sloop.mem;

/**
 * Something that holds budget memory it can give back on demand, such as the live view's
 * snapshot rows and history: asked first when TCP must free memory to admit a connection, so that
 * what it holds is never what a connection needed.
 */
@FunctionalInterface
public interface Reclaimable {
    /** Gives back some of what it holds (uncharging it); false if it held nothing more to give. */
    boolean reclaim();
}
