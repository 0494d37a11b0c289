//! Self-governance (自治线), after the 六事 method (点事 → 定事 → 议事 → 决事 → 办事 → 评事): topics
//! residents raise and second, staff screen, meetings deliberate, polls decide, the decision is
//! publicised and carried out, and residents evaluate it; and the 居民公约, revised article by
//! article. Pure rules: who is in a scope, what a state may become, how a poll is counted.

pub mod conventions;
pub mod meetings;
pub mod polls;
pub mod scope;
pub mod topics;
