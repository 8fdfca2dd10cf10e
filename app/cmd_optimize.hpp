// `pixforge optimize` and `compare-strategies` link LibTorch (training), so they are registered by
// the executable, like train.
#pragma once

#include "app/cli.hpp"

namespace pixforge::app {

ExtraCommand optimize_command();
ExtraCommand compare_strategies_command();

}  // namespace pixforge::app
