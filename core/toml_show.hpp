// A TOML value as the user wrote it, for messages: strings quoted, floats in their shortest form.
#pragma once

#include <string>

#include <toml++/toml.h>

namespace pixforge {

std::string show_toml(const toml::node& node);

}  // namespace pixforge
