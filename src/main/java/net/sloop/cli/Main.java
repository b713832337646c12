package net.sloop.cli;

/** Entry point of the {@code ./sloop} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("sloop: under construction");
    }
}
