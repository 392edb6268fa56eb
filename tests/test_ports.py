"""tests/ports.py: the ports the test servers start on."""

import socket

from .ports import free_port, free_ports


def test_the_ports_of_one_call_are_distinct_and_each_can_be_listened_on():
    ports = free_ports(8)
    assert len(set(ports)) == 8
    for port in [*ports, free_port()]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", port))
            server.listen()


def test_a_closed_url_refuses_connections(closed_url):
    port = int(closed_url.rstrip("/").rsplit(":", 1)[1])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        assert client.connect_ex(("127.0.0.1", port)) != 0
