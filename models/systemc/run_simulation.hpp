// sc_start() until the simulation runs out of events, leaving the calling thread as it found it.
//
// Why not sc_start() alone: SystemC 2.3.4 tells AddressSanitizer about its QuickThreads stack
// switches (weak __sanitizer_*_switch_fiber hooks), but after the switch back to the caller ASan
// keeps a stack range that mixes a coroutine stack with the thread's own. Later exceptions then
// unpoison the wrong memory (false stack-use-after-scope reports), and LeakSanitizer's tracer reads
// unmapped memory at exit ("Tracer caught signal 11"). Under ASan this re-announces the thread's
// real stack; elsewhere it is sc_start() and nothing more.
#pragma once

namespace pixforge::sc {

void run_simulation();

}  // namespace pixforge::sc
