// A classical estimator as integer hardware, written as a candidate folder: what `pixforge
// simulate --classical NAME --dataset D` runs in the chain in place of the floating-point estimator.
#pragma once

#include <filesystem>
#include <string>

#include "core/config.hpp"
#include "datasets/classical_hardware.hpp"
#include "rtl_gen/hardware_template.hpp"

namespace pixforge::tb {

// datasets::classical_network of `spec`, calibrated on the windows of `dataset` (made by this
// config's chain: DATA-005 otherwise), on template `hw`, written as `pixforge rtl -o` writes a
// candidate folder (the Verilog, summary.json, network.h5) under `cache`/classical/<network
// hash>-<template>/; returns that folder. CLS-001/002 and RTL-002 as the builders give them.
std::filesystem::path write_classical_candidate(const Config& config, const std::string& dataset,
                                                const datasets::ClassicalHardware& spec,
                                                const rtl::HardwareTemplate& hw,
                                                const std::filesystem::path& cache);

}  // namespace pixforge::tb
