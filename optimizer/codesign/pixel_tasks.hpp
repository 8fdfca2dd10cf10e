// How a design splits the pixel's tasks (the network heads energy, toa, pileup) over networks
// (heterogeneous co-exploration, docs/strategies.md). The space parameter `tasks` takes values such
// as "shared" (one network with every head the study trains), "energy|toa" (an energy network and
// a timing network) or "energy+pileup|toa": `|` separates networks, `+` joins heads in one. A
// parameter NAME@HEAD (`template@toa`, `hidden_width@toa`) sets NAME for the network that computes
// HEAD, in place of the plain NAME, which every network takes otherwise.
#pragma once

#include <string>
#include <vector>

namespace pixforge::codesign {

const std::vector<std::string>& pixel_task_names();  // energy, toa, pileup

// The networks of a `tasks` value, each its heads; "shared" is one network with none named (the
// study's heads). OPT-009 names `where` and what is wrong (an unknown head, one named twice).
std::vector<std::vector<std::string>> split_tasks(const std::string& value, const std::string& where);

// A space parameter's name and the head it is for ("template@toa" -> {"template", "toa"}; no head:
// empty). OPT-009 for a head that is not a task.
struct TaskParameter {
    std::string name, head;
};
TaskParameter task_parameter(const std::string& space_name);

// The network.head_* overrides of a network that computes exactly `heads`.
std::vector<std::string> head_overrides(const std::vector<std::string>& heads);

}  // namespace pixforge::codesign
