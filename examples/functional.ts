/**
 * Keras's guide "The Functional API" (keras.io/guides/functional_api), its
 * model with multiple inputs and outputs, on tinykeras: a system that ranks
 * support tickets by priority and routes them to a department, from three
 * inputs (the ticket's title, its body, and the tags the user chose) to two
 * outputs (a priority score, and one of four departments). Each Python line
 * of the guide is quoted above its TypeScript.
 *
 *     npm run functional
 *     npm run functional -- --epochs 10 --seed 7
 *
 * One change from the guide: tinykeras has no Embedding or LSTM layers yet,
 * so each text is a bag of words (how often each word of the vocabulary
 * appears in it) and a Dense layer makes its features, where the guide
 * embeds the words and reads them with an LSTM. The vocabulary is 1,000
 * words instead of 10,000, which keeps the example a few seconds long. The
 * guide compiles with RMSprop; this uses Adam with the same learning rate
 * (RMSprop comes with issue 20's optimizers).
 *
 * The guide trains on random targets; here the targets follow from the
 * inputs (a title with urgent words has a high priority; the tags point to
 * the department), so the losses in the history go down. The data is
 * synthetic and seeded: every run prints the same numbers.
 *
 * Writes the model's picture and the saved model to saved/functional/.
 */
import * as keras from 'tinykeras';
import { numberArg, stringArg } from './args.js';

const epochs = numberArg('--epochs') ?? 2;
const seed = numberArg('--seed') ?? 1337;
const saveDir = stringArg('--save') ?? 'saved/functional';
keras.utils.setRandomSeed(seed);
const { layers } = keras;

// num_tags = 12  # Number of unique issue tags
// num_words = 10000  # Size of vocabulary obtained when preprocessing text data
// num_departments = 4  # Number of departments for predictions
const numTags = 12;
const numWords = 1000;
const numDepartments = 4;

// title_input = keras.Input(shape=(None,), name="title")  # Variable-length sequence of ints
// body_input = keras.Input(shape=(None,), name="body")  # Variable-length sequence of ints
// tags_input = keras.Input(shape=(num_tags,), name="tags")  # Binary vectors of size `num_tags`
const titleInput = keras.Input({ shape: [numWords], name: 'title' }); // word counts (a bag of words)
const bodyInput = keras.Input({ shape: [numWords], name: 'body' }); // word counts
const tagsInput = keras.Input({ shape: [numTags], name: 'tags' }); // binary vectors of size numTags

// title_features = layers.Embedding(num_words, 64)(title_input)
// body_features = layers.Embedding(num_words, 64)(body_input)
// title_features = layers.LSTM(128)(title_features)
// body_features = layers.LSTM(32)(body_features)
// (here: a Dense layer reads each bag of words into features of the guide's sizes)
const titleFeatures = new layers.Dense(128, { activation: 'relu' }).apply(titleInput);
const bodyFeatures = new layers.Dense(32, { activation: 'relu' }).apply(bodyInput);

// # Merge all available features into a single large vector via concatenation
// x = layers.concatenate([title_features, body_features, tags_input])
const x = new layers.Concatenate().apply([titleFeatures, bodyFeatures, tagsInput]);

// # Stick a logistic regression for priority prediction on top of the features
// priority_pred = layers.Dense(1, name="priority")(x)
// # Stick a department classifier on top of the features
// department_pred = layers.Dense(num_departments, name="department")(x)
const priorityPred = new layers.Dense(1, { name: 'priority' }).apply(x);
const departmentPred = new layers.Dense(numDepartments, { name: 'department' }).apply(x);

// # Instantiate an end-to-end model predicting both priority and department
// model = keras.Model(
//     inputs=[title_input, body_input, tags_input],
//     outputs={"priority": priority_pred, "department": department_pred},
// )
const model = new keras.Model({
  inputs: [titleInput, bodyInput, tagsInput],
  outputs: { priority: priorityPred, department: departmentPred },
});
model.summary();

// keras.utils.plot_model(model, "multi_input_and_output_model.png", show_shapes=True)
const picture = `${saveDir}/multi_input_and_output_model.svg`;
await keras.utils.plotModel(model, { toFile: picture, showShapes: true });
console.log(`\nThe model's graph: ${picture}`);

// model.compile(
//     optimizer=keras.optimizers.RMSprop(1e-3),
//     loss={
//         "priority": keras.losses.BinaryCrossentropy(from_logits=True),
//         "department": keras.losses.CategoricalCrossentropy(from_logits=True),
//     },
//     loss_weights={"priority": 1.0, "department": 0.2},
// )
model.compile({
  optimizer: new keras.optimizers.Adam({ learningRate: 1e-3 }),
  loss: {
    priority: new keras.losses.BinaryCrossentropy({ fromLogits: true }),
    department: new keras.losses.CategoricalCrossentropy({ fromLogits: true }),
  },
  lossWeights: { priority: 1.0, department: 0.2 },
});

// # Dummy input data
// title_data = np.random.randint(num_words, size=(1280, 10))
// body_data = np.random.randint(num_words, size=(1280, 100))
// tags_data = np.random.randint(2, size=(1280, num_tags)).astype("float32")
const samples = 1280;
const rng = new keras.random.RandomGenerator(seed);
const titleWords = wordIds(samples, 10);
const bodyWords = wordIds(samples, 100);
const titleData = bagOfWords(titleWords, 10);
const bodyData = bagOfWords(bodyWords, 100);
const tagsData = keras.tensor(Float32Array.from({ length: samples * numTags }, () => rng.int(2)), [samples, numTags]);

// # Dummy target data
// priority_targets = np.random.random(size=(1280, 1))
// dept_targets = np.random.randint(2, size=(1280, num_departments))
// (here: a title's share of urgent words, the first 50 of the vocabulary, sets its priority;
//  the department is the group of three tags with the most set, one-hot)
const priorityTargets = keras.tensor(
  Float32Array.from({ length: samples }, (_, i) => Math.min(1, titleWords.slice(i * 10, i * 10 + 10).filter((w) => w < 50).length / 2)),
  [samples, 1],
);
const departments = Float32Array.from({ length: samples }, (_, i) => {
  const counts = [0, 1, 2, 3].map((d) => [0, 1, 2].reduce((n, k) => n + tagsData.data[i * numTags + d * 3 + k]!, 0));
  return counts.indexOf(Math.max(...counts));
});
const deptTargets = keras.utils.toCategorical(keras.tensor(departments, [samples]), numDepartments);

// model.fit(
//     {"title": title_data, "body": body_data, "tags": tags_data},
//     {"priority": priority_targets, "department": dept_targets},
//     epochs=2,
//     batch_size=32,
// )
const history = await model.fit(
  { title: titleData, body: bodyData, tags: tagsData },
  { priority: priorityTargets, department: deptTargets },
  { epochs, batchSize: 32 },
);
console.log('\nhistory.history:');
for (const [key, values] of Object.entries(history.history)) console.log(`  ${key}: [${values.map((v) => v.toFixed(4)).join(', ')}]`);

// Saved in TF.js's format (the graph, the weights, the compile settings and Adam's state), and loaded back.
await model.save(saveDir);
const loaded = (await keras.models.loadModel(saveDir)) as keras.Model;
const same = loaded.evaluate([titleData, bodyData, tagsData], [priorityTargets, deptTargets], { verbose: 0 });
console.log(`\nSaved to ${saveDir}/ and loaded back: ${loaded.className} "${loaded.name}", loss ${same[0]!.toFixed(4)} (${loaded.compiled!.logNames.join(', ')})`);

/** `count` random word ids for each of `n` texts, flat. */
function wordIds(n: number, count: number): number[] {
  return Array.from({ length: n * count }, () => rng.int(numWords));
}

/** Each text's word counts over the vocabulary: [n, numWords]. */
function bagOfWords(ids: readonly number[], count: number): keras.Tensor {
  const n = ids.length / count;
  const counts = new Float32Array(n * numWords);
  ids.forEach((w, k) => counts[Math.floor(k / count) * numWords + w]!++);
  return keras.tensor(counts, [n, numWords]);
}
