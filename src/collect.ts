import { runCollect } from './collect/run-collect.js'

await runCollect()
