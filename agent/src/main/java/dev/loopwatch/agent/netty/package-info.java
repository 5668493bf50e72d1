/** The Netty 4.1 and 4.2 instrumentations: advice inlined into Netty's loops, and where it goes. */
package dev.loopwatch.agent.netty;
