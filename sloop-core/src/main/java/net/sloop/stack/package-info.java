/**
 * The {@link net.sloop.stack.Stack}: one budget, its interfaces, ARP, IPv4, ICMP, UDP and TCP, driven
 * by {@link net.sloop.stack.Stack#advance} and {@link net.sloop.stack.Stack#poll} from one thread; built
 * from a {@link net.sloop.stack.StackConfig}. {@link net.sloop.stack.Stack#explainHeld()} says what
 * still holds memory after everything was closed, and why.
 */
package net.sloop.stack;
