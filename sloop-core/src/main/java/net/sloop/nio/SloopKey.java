package net.sloop.nio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * A channel's registration with a {@link SloopSelector}. The interest set may be changed from any
 * thread; a selection in progress sees the change at once (it is woken if the change adds an
 * operation). The ready set is written only by selections, under the runner's lock.
 */
final class SloopKey extends AbstractSelectionKey {
    final SloopSelector selector;
    final SloopChannel channel;
    private volatile int interest;
    private volatile int ready;
    /** Place in the selector's key array, and in its selected-key set (-1: not selected); under the lock. */
    int index = -1, selectedIndex = -1;

    SloopKey(SloopSelector selector, SloopChannel channel) {
        this.selector = selector;
        this.channel = channel;
    }

    @Override
    public SelectableChannel channel() {
        return (SelectableChannel) channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interest;
    }

    @Override
    public SloopKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel().validOps()) != 0) throw new IllegalArgumentException("invalid interest set " + ops);
        int old = interest;
        interest = ops;
        if ((ops & ~old) != 0) selector.interestAdded();
        return this;
    }

    /** Sets the interest set at registration (checked by the channel's register). */
    void initInterest(int ops) {
        interest = ops;
    }

    /** The interest set without the validity check (selections skip invalid keys themselves). */
    int interest() {
        return interest;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return ready;
    }

    int ready() {
        return ready;
    }

    void ready(int ops) {
        ready = ops;
    }

    private void ensureValid() {
        if (!isValid()) throw new CancelledKeyException();
    }

    @Override
    public String toString() {
        return "SloopKey[" + channel + (isValid() ? ", interest " + interest + ", ready " + ready : ", cancelled") + "]";
    }
}
