#pragma once

#include "app/cli.hpp"

namespace pixforge::app {

// `pixforge train`, which links LibTorch; registered by the executable's main().
ExtraCommand train_command();

}  // namespace pixforge::app
