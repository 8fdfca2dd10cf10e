// `pixforge optimize` links LibTorch (training), so it is registered by the executable, like train.
#pragma once

#include "app/cli.hpp"

namespace pixforge::app {

ExtraCommand optimize_command();

}  // namespace pixforge::app
