// Every key pixforge reads: the sections each library declares beside its code, assembled in the
// order that `config --describe` lists them and resolved configs (and so cache keys) are written.
#pragma once

#include "core/config_schema.hpp"

namespace pixforge::codesign {

const ConfigSchema& all_config_keys();

}  // namespace pixforge::codesign
