package net.sloop.nio;

/**
 * What a {@link SloopSelector} asks of the channels registered with it (all of Sloop's channels
 * implement it). Called under the runner's lock.
 */
interface SloopChannel {
    /** The stack and runner the channel is on (a selector takes only its own provider's channels). */
    Net net();

    /** The operations ({@link java.nio.channels.SelectionKey} bits) that would not block now. */
    int readyOps();

    /** The selectors to signal when readiness may have changed. */
    Registrations registrations();
}
