#include "tb/classical_candidate.hpp"

#include <fmt/format.h>

#include "core/provenance.hpp"
#include "datasets/dataset_file.hpp"
#include "rtl_gen/verilog_writer.hpp"

namespace pixforge::tb {

std::filesystem::path write_classical_candidate(const Config& config, const std::string& dataset,
                                                const datasets::ClassicalHardware& spec,
                                                const rtl::HardwareTemplate& hw,
                                                const std::filesystem::path& cache) {
    const models::QuantizedNetwork net =
        datasets::classical_network(config, datasets::DatasetReader(dataset), spec);
    const rtl::GeneratedRtl rtl = rtl::generate_verilog(net, hw);
    const std::filesystem::path folder =
        cache / "classical" / fmt::format("{}-{}", net.content_hash(), hw.name());
    rtl::write_rtl(rtl, folder.string());
    models::save_network(
        net, (folder / "network.h5").string(),
        provenance_json(
            current_provenance("pixforge simulate --classical " + spec.name),
            {{"dataset", dataset}, {"classical", spec.name}, {"bits", std::to_string(spec.bits)}}));
    return folder;
}

}  // namespace pixforge::tb
