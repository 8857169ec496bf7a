/**
 * What a socket error code means for someone setting up a device, said after the code (a Modbus device's connect, an
 * OPC UA server's). `serves` names the protocol the far end should speak ("Modbus TCP", "OPC UA").
 */
export function socketErrorMeaning(code: string, serves: string): string | undefined {
  switch (code) {
    case 'ENOTFOUND':
      return 'the host name does not resolve in DNS: check host, or give the IP address';
    case 'EAI_AGAIN':
      return 'the host name could not be resolved now, DNS not answering: check host and the DNS server';
    case 'ECONNREFUSED':
      return `connection refused, nothing listens at that address and port: check port, and that the device serves ${serves}`;
    case 'EHOSTUNREACH':
      return 'no route to that address: check host and the network';
    case 'ENETUNREACH':
      return 'network unreachable from this machine: check host and the routes';
    case 'ETIMEDOUT':
      return 'no answer to the connection attempt: check host, and any firewall between';
    case 'ECONNRESET':
      return 'the connection was reset by the other end or a firewall between';
    default:
      return undefined;
  }
}
