//! The import graph: modules as nodes, IMPORTS as edges (importer → imported).

use std::collections::{BTreeMap, HashMap};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::syntax::Module as Ast;

/// Modules and their IMPORTS, with a stable order.
#[derive(Debug, Default)]
pub struct ImportGraph {
    graph: DiGraph<String, ()>,
    index: crate::hash::HashMap<String, NodeIndex>,
}

impl ImportGraph {
    /// The graph of `modules`; imports of modules not among them are left out.
    pub fn new<'a>(modules: impl Iterator<Item = &'a Ast>) -> Self {
        let mut modules: Vec<&Ast> = modules.collect();
        modules.sort_by(|a, b| a.name.name.cmp(&b.name.name));
        let mut graph = ImportGraph::default();
        for module in &modules {
            graph.add(&module.name.name);
        }
        for module in &modules {
            let Some(&from) = graph.index.get(&module.name.name) else {
                continue; // added just above: never missing
            };
            let mut targets: Vec<&str> = module
                .imports
                .iter()
                .map(|i| i.from.name.as_str())
                .collect();
            targets.sort_unstable();
            targets.dedup();
            for target in targets {
                if let Some(&to) = graph.index.get(target) {
                    if to != from {
                        graph.graph.add_edge(from, to, ());
                    }
                }
            }
        }
        graph
    }

    fn add(&mut self, name: &str) -> NodeIndex {
        let node = self.graph.add_node(name.to_string());
        self.index.insert(name.to_string(), node);
        node
    }

    /// Modules in dependency order (imported before importer); the modules of an import
    /// cycle come together, by name.
    pub fn order(&self) -> Vec<String> {
        // Tarjan yields strongly connected components in reverse topological order of the
        // condensation, which for importer → imported edges is imports first.
        tarjan_scc(&self.graph)
            .into_iter()
            .flat_map(|mut component| {
                component.sort_by(|a, b| self.graph[*a].cmp(&self.graph[*b]));
                component
                    .into_iter()
                    .map(|n| self.graph[n].clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Import cycles: one per strongly connected component, as a path of real IMPORTS
    /// edges from its first module (by name) back to itself.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for component in tarjan_scc(&self.graph) {
            if component.len() < 2 {
                continue;
            }
            let Some(&start) = component
                .iter()
                .min_by(|a, b| self.graph[**a].cmp(&self.graph[**b]))
            else {
                continue;
            };
            // Breadth-first within the component for the shortest way back to `start`.
            let mut previous: HashMap<NodeIndex, NodeIndex> = HashMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut last = None;
            while let Some(node) = queue.pop_front() {
                let mut next: Vec<NodeIndex> = self
                    .graph
                    .neighbors(node)
                    .filter(|n| component.contains(n))
                    .collect();
                next.sort_by(|a, b| self.graph[*a].cmp(&self.graph[*b]));
                if next.contains(&start) {
                    last = Some(node);
                    break;
                }
                for n in next {
                    if n != start && !previous.contains_key(&n) {
                        previous.insert(n, node);
                        queue.push_back(n);
                    }
                }
            }
            let Some(mut node) = last else { continue };
            let mut path = vec![self.graph[start].clone()];
            let mut back = vec![self.graph[node].clone()];
            while let Some(&p) = previous.get(&node) {
                if p == start {
                    break;
                }
                back.push(self.graph[p].clone());
                node = p;
            }
            path.extend(back.into_iter().rev());
            path.push(self.graph[start].clone());
            out.push(path);
        }
        out.sort();
        out
    }

    /// The modules `name` imports directly, sorted.
    pub fn imports(&self, name: &str) -> Vec<&str> {
        let Some(&node) = self.index.get(name) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = self
            .graph
            .neighbors(node)
            .map(|n| self.graph[n].as_str())
            .collect();
        out.sort_unstable();
        out
    }

    /// Every module `roots` import, directly or not, with the direct imports of each.
    pub fn closure(&self, roots: &[String]) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        let mut stack: Vec<String> = roots.to_vec();
        while let Some(name) = stack.pop() {
            if out.contains_key(&name) {
                continue;
            }
            let imports: Vec<String> = self
                .imports(&name)
                .into_iter()
                .map(str::to_string)
                .collect();
            stack.extend(imports.iter().cloned());
            out.insert(name, imports);
        }
        out
    }

    /// Graphviz DOT of the modules reachable from `roots`.
    pub fn dot(&self, roots: &[String]) -> String {
        let mut out = String::from(
            "digraph imports {\n    rankdir=LR;\n    node [shape=box, fontname=\"monospace\"];\n",
        );
        for (module, imports) in self.closure(roots) {
            out.push_str(&format!("    {module:?};\n"));
            for import in imports {
                out.push_str(&format!("    {module:?} -> {import:?};\n"));
            }
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(text: &str) -> ImportGraph {
        let (modules, _) = crate::syntax::parse_str(text);
        ImportGraph::new(modules.iter())
    }

    #[test]
    fn orders_imports_first_and_finds_cycles() {
        let g = graph(
            "C DEFINITIONS ::= BEGIN IMPORTS x FROM B; END
             B DEFINITIONS ::= BEGIN IMPORTS y FROM A; END
             A DEFINITIONS ::= BEGIN END
             X DEFINITIONS ::= BEGIN IMPORTS a FROM Y; END
             Y DEFINITIONS ::= BEGIN IMPORTS b FROM X; END",
        );
        let order = g.order();
        let pos = |m: &str| order.iter().position(|o| o == m);
        assert!(pos("A") < pos("B") && pos("B") < pos("C"));
        assert_eq!(g.cycles(), [["X", "Y", "X"]]);
        assert!(g.dot(&["C".into()]).contains("\"C\" -> \"B\""));
    }

    #[test]
    fn cycle_paths_follow_real_edges() {
        let g = graph(
            "A DEFINITIONS ::= BEGIN IMPORTS x FROM C; END
             C DEFINITIONS ::= BEGIN IMPORTS y FROM B; END
             B DEFINITIONS ::= BEGIN IMPORTS z FROM A; END",
        );
        assert_eq!(g.cycles(), [["A", "C", "B", "A"]]);
    }
}
